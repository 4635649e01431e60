"""Apache Superset's configuration for reading leadscore's published tables; tests/python/
test_superset.py runs Superset with it, and the README's steps use it.

Point SUPERSET_CONFIG_PATH at this file and set SUPERSET_HOME (a folder of Superset's own: its
metadata database, a SQLite file, goes there) and SUPERSET_SECRET_KEY (a long random string that
signs sessions and encrypts the stored connections; keep it).

Nothing else is needed for the serving file: Superset allows DuckDB connections by default, and it
opens each query's connection with SQLAlchemy's NullPool (superset/models/core.py), so no DuckDB
file stays open between queries and the next query after a publish reads the new day.
"""

import copy
import os

# Superset's defaults, already loaded when it reads this file
from superset.config import TALISMAN_CONFIG as DEFAULT_TALISMAN_CONFIG

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]

# Superset's web pages show a usage-tracking image from Scarf (apachesuperset.gateway.scarf.sh);
# without Scarf in the content security policy, browsers do not load it.
TALISMAN_CONFIG = copy.deepcopy(DEFAULT_TALISMAN_CONFIG)
TALISMAN_CONFIG["content_security_policy"]["img-src"] = [
    source for source in TALISMAN_CONFIG["content_security_policy"]["img-src"] if "scarf" not in source
]
