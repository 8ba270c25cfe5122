// The DuckDB C API, as installed by scripts/setup-duckdb.sh (or Homebrew).
#include <duckdb.h>
