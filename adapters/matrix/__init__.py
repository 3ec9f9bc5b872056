"""The Matrix adapter: a room member that answers commands and posts announcements.

`make_client` builds the configured nio client; `MatrixAdapter` composes the session (login,
sync), the rooms (invites, DMs), the command intake (answers) and hands out the
`Destination`s the announcer's outbox posts through.
"""
from adapters.matrix.adapter import MatrixAdapter
from adapters.matrix.client import MatrixAuthError, make_client
from adapters.matrix.destinations import MatrixDMDestination, MatrixRoomDestination

__all__ = [
    "MatrixAdapter",
    "MatrixAuthError",
    "MatrixDMDestination",
    "MatrixRoomDestination",
    "make_client",
]
