# delta-rs's answer for every corpus table at every version that has data files:
#   python3 delta_rows_oracle.py CORPUS_DIR DIGEST_SQL ANSWER_FILE
# writes {table: {version: {"columns", "rows" (<= 2,000 rows, as text), "count", "digest"}}}.
# Values are rendered by DuckDB (CAST(... AS VARCHAR), UTC), so both sides print alike;
# DIGEST_SQL has {columns} and {table} placeholders (see DeltaRowsOracle.swift).
import json, os, sys
import deltalake, duckdb
from deltalake import DeltaTable, QueryBuilder
assert deltalake.__version__ == "1.6.6", deltalake.__version__
root = sys.argv[1]
con = duckdb.connect()
con.execute("SET TimeZone='UTC'")
def digest_columns(cols):
    return ", ".join("coalesce(CAST(\"%s\" AS VARCHAR), '<null>')" % c.replace('"', '""') for c in sorted(cols))
out = {}
for name in sorted(os.listdir(root)):
    path = os.path.join(root, name)
    if not os.path.isdir(os.path.join(path, "_delta_log")):
        continue
    try:
        latest = DeltaTable(path).version()
    except Exception:
        continue
    for version in range(0, latest + 1):
        try:
            dt = DeltaTable(path, version=version)
            files = dt.file_uris()
            if not files or not all(os.path.exists(f.replace("file://", "")) for f in files):
                continue
            table = QueryBuilder().register("t", dt).execute("SELECT * FROM t").read_all()
            arrow = table
            cols = arrow.column_names
            digest = con.execute(sys.argv[2].replace("{columns}", digest_columns(cols)).replace("{table}", "arrow")).fetchall()[0]
            rows = []
            if len(arrow) <= 2000:
                sel = ", ".join('CAST("%s" AS VARCHAR)' % c.replace('"', '""') for c in cols)
                rows = [list(r) for r in con.execute("SELECT %s FROM arrow" % sel).fetchall()]
            out.setdefault(name, {})[str(version)] = {"columns": cols, "rows": rows, "count": digest[0], "digest": digest[1]}
        except Exception as e:
            continue
with open(sys.argv[3], "w") as f:
    json.dump(out, f)
# Leave without interpreter teardown: deltalake's native threads sometimes abort the
# process while Python shuts down ("terminate called without an active exception").
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
