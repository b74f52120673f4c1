"""The gateway's own gRPC API, ``kam.identity.v1.IdentityService`` (sign-in and the current user).

For now the users are the fixed demo users of :mod:`kam_gateway.identity.demo_users`; real users, roles,
permissions and the org tree come later.
"""
