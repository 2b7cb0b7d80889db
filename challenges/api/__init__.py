"""The challenges resources of the JSON API under /api/v1: challenges, their lifecycle and the
solver agreement (`lifecycle.py`), submissions (`solving.py`), questions (`questions.py`), scores,
results and awards (`judging.py`), sharing the lookups of `common.py`. The JSON twin of
`challenges/routes/`: each operation finds what its path names, calls a service, and shapes the
answer with `challenges/schemas.py`.

Order of checks, as everywhere in the API (`app.api.paths`): credentials (401), then whatever the
path names (404 for what the caller may not see, exactly as for what does not exist: a draft for an outsider, a
submission for anyone but its author and the organisation's judges), and only then the query and
body (422). So a validation message never confirms that a confidential thing exists.
"""

from challenges.api import judging, lifecycle, questions, solving  # noqa: F401  (their operations)
from challenges.api.common import challenges_api  # noqa: F401  (registered by challenges.init_app)
