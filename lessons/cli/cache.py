"""`python -m lessons cache`: build the shared, read-only course cache every kernel reads, or show which is used."""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="validate the course and write the shared cache (run as the "
                                             "environment's owner, e.g. in .binder/postBuild or the hub setup)")
    build.add_argument("dir", nargs="?", type=Path, metavar="DIR",
                       help="folder to write to (default: $LESSONS_SHARED_CACHE_DIR, else "
                            "share/armenia-border-guards-course/ in this Python environment)")
    actions.add_parser("status", help="say which caches a kernel here would read, and why one is passed over")


def run(args) -> int:
    from .. import course_cache
    from ..content import ContentError, build_cache

    if args.action == "status":
        return _status()
    if args.dir is None and course_cache.shared_file() is None:
        print(f"{course_cache.SHARED_ENV} is set empty, so kernels read no shared cache; pass DIR to build one.")
        return 1
    folder = args.dir or course_cache.shared_file().parent
    try:
        path = build_cache(folder)
    except ContentError as error:
        print(f"Not built: the course content has {len(error.problems)} problem(s); run `python -m lessons check`.")
        return 1
    except (OSError, RuntimeError) as error:
        print(f"Not built: {error}.")
        return 1
    print(f"Wrote the validated course to {path}.")
    reason = course_cache.untrusted_reason(path)
    if reason:
        print(f"Kernels will NOT read it: {reason}. Make the folder and the folders above it writable only by "
              "root or the course's owner.")
        return 1
    if course_cache.shared_file() != path:
        print(f"Kernels look for it only with {course_cache.SHARED_ENV}={path.parent} in their environment "
              "(on a hub: c.Spawner.environment).")
    return 0


def _status() -> int:
    from .. import course_cache
    from ..content import DATA_DIR, _cache_file, _inputs_digest, seed_dir

    key = _inputs_digest(DATA_DIR, seed_dir())
    for label, path in (("shared", course_cache.shared_file()), ("per-user", _cache_file())):
        if path is None:
            print(f"{label:<9} turned off")
            continue
        reason = course_cache.untrusted_reason(path)
        if reason:
            state = f"passed over: {reason}"
        elif key is None or course_cache.read(path, key) is None:
            state = "stale or unreadable: made from other content or another version"
        else:
            state = "up to date: kernels load the course from it"
        print(f"{label:<9} {path}: {state}")
    return 0
