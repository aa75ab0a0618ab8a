"""The public archive's engine side: a session's log as it may be published, and its results.

``anonymise`` turns a session's log into the published log of one archive (no session id, no
pseudonym without consent, no label naming a co-facilitator, no text the room never saw, notes
only with their author's consent, roles generalised under k), and ``unlink`` makes of that the
log the archive serves, where nobody's position or ballot is linked to them; ``results``
computes from the log before ``unlink`` the JSON of what the session concluded. Pure: envelopes
in, envelopes and plain data out.
"""

from .anonymise import anonymise, unlink
from .results import results

__all__ = ["anonymise", "results", "unlink"]
