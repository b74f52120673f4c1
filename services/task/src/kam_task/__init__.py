"""KAM task service: tasks down the hierarchy, marketing plans and campaigns, work efficiency."""
