"""Reading the outbox's rows straight from the database: what a test checks after a delivery."""
from __future__ import annotations


def outbox_rows(db, destination: str | None = None, states=None) -> list[dict]:
    """The outbox's rows as dicts, read from the database (`db`: a sqlite_utils.Database)."""
    where, args = [], []
    if destination:
        where.append("destination = ?")
        args.append(destination)
    if states:
        where.append(f"state IN ({','.join('?' * len(states))})")
        args.extend(states)
    cur = db.conn.execute(
        "SELECT * FROM outbox" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id", args)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
