"""The identity rules without I/O: passwords (policy, argon2id hashes), sign-in lockout, user names."""
