# Touchstone — two commands do everything: `make demo` and `make test`.
# Both install what is missing (PostgreSQL server, libpq headers, pkg-config) first.

SWIFT       ?= swift
BUILD_FLAGS ?=
TOUCHSTONE  := .build/debug/touchstone
DRILL_UPLOADS ?= 2000

.PHONY: all deps build test lint demo stop bench fuzz drill ha-drill pages-test least-privilege restore-drill xlsx-test

all: build

## Install the system packages the build and the embedded database need (Debian).
deps:
	@./deploy/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

## Every test: core units, the libpq wrapper, the store against a real embedded
## PostgreSQL (started by the suite itself), and the HTTP app.
test: deps lint
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)
	$(MAKE) least-privilege
	$(MAKE) xlsx-test
	$(MAKE) fuzz
	$(MAKE) drill DRILL_UPLOADS=300
	$(MAKE) pages-test
	$(MAKE) restore-drill

## swift-format's lint with the project's configuration (.swift-format): any finding fails.
## `swift format --in-place --recursive Sources Tests Package.swift` fixes nearly all of them.
lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift

## The whole chain on a PostgreSQL server set up as an operator would (password logins, no
## superuser in play: sql/cluster/roles.sql, migrate and tenant create as the schema owner,
## everything else as the runtime login), compared with the same run on the embedded default.
least-privilege: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	python3 Tests/production/least_privilege.py

## The .xlsx exports read back with openpyxl (pinned, in a venv under .build/) and compared cell by
## cell with the CSV exports of the same 12-outlet chain, on its own embedded cluster under
## .touchstone/xlsx-test (Tests/xlsx/check.py). Unix sockets only, no TCP port.
xlsx-test: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	./Tests/xlsx/run.sh

## Schemathesis over docs/openapi.yaml against the debug daemon on its own embedded
## PostgreSQL: fails on any 5xx or response that does not match the document.
fuzz: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	./deploy/fuzz/schemathesis.sh

## The pages in headless Chromium (installed when missing) against `touchstone demo` on its
## own embedded PostgreSQL: every page as every role, numbers checked against the API;
## screenshots under .touchstone/screenshots/.
pages-test: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	./Tests/pages/run.sh

## Restore drill (deploy/backup/restore-drill.sh): a small chain with a closed period on its own
## embedded cluster under .touchstone/restore-drill, backup.sh, restore.sh into a fresh cluster,
## and point-in-time recovery from archived WAL; fails unless the results hash and the KPI and
## payout exports match the original's. Unix sockets only, no TCP port.
restore-drill: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	./deploy/backup/restore-drill.sh --pitr

## Fault drills (deploy/drills/drills.py) against the debug daemon on its own embedded
## PostgreSQL: uploads through SIGKILLs and a PostgreSQL restart, SIGTERM under load, a 10 s
## outage. `make test` runs them with 300 uploads; the full drill is 2000.
drill: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	python3 deploy/drills/drills.py all --uploads $(DRILL_UPLOADS)

## HA drill (deploy/ha/drill.py): the debug daemon on a pg_auto_failover formation of its own
## (deploy/ha/ha.sh: monitor, primary, synchronous secondary under .touchstone/ha-drill, ports
## 54420-54422; installs pg-auto-failover-cli and postgresql-15-auto-failover when missing);
## uploads with evidence through the loss of the primary's machine (postmaster and keeper
## SIGKILLed, then rejoining) and a planned switchover; stored = acknowledged, no duplicates,
## evidence intact, only 503s. About 4-5 minutes on 2 cores, so not part of `make test` (over its
## 3-minute budget): an unplanned failover waits out pg_auto_failover's timeouts (about 50 s)
## whatever the number of uploads, and the formation, the rejoin and the switchover come on top.
HA_UPLOADS ?= 1000
ha-drill: deps
	$(SWIFT) build --product touchstone $(BUILD_FLAGS)
	python3 deploy/ha/drill.py --uploads $(HA_UPLOADS)

## The benchmarks of targets.md beside their ceilings (release build; not part of `make test`).
## BENCH_ARGS="--outlets 2000" for a quick run; the default is the national chain. The comparison with
## the incumbent pandas implementation runs only when given: BENCH_ARGS="--pandas-baseline FILE" or
## TOUCHSTONE_PANDAS_BASELINE=FILE (otherwise the run says it was skipped).
bench: deps
	./Benchmarks/run.sh $(BENCH_ARGS)

## Embedded PostgreSQL, a demo dealer network with 12 months of history, the batch of each month, then the daemon on :8080.
demo: build
	$(TOUCHSTONE) demo --host 127.0.0.1 --port 8080

## Stop the embedded PostgreSQL clusters of ./.touchstone/: the default one and those the tests
## keep for their next run (.touchstone/test and the like), wherever their data is (a home's
## pgdata.location names it when the checkout is out of the postgres user's reach).
stop:
	$(TOUCHSTONE) dev stop
	@for home in .touchstone/*/; do \
		[ -d "$$home/pgdata" ] || [ -f "$$home/pgdata.location" ] || continue; \
		TOUCHSTONE_HOME="$${home%/}" $(TOUCHSTONE) dev stop; \
	done
