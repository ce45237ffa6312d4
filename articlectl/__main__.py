"""Command line: `python -m articlectl validate|schema|reindex|status|invoke|dev …`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
# The domain package is the Lambda layer's content; make it importable from a checkout.
if str(REPOSITORY_ROOT / "shared") not in sys.path:
    sys.path.insert(0, str(REPOSITORY_ROOT / "shared"))

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"
ONE_MIB = 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="articlectl", description="Article Feed's local tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check article files before upload, as ingest would")
    validate.add_argument("paths", nargs="+", metavar="FILE|DIR")
    validate.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="text",
        help="text (path:line:col: loc: msg), github (Actions annotations) or json (the machine report)",
    )
    validate.add_argument("--json", action="store_const", dest="format", const="json", help="same as --format json")
    validate.add_argument("--max-bytes", type=int, default=ONE_MIB, help="size limit (default 1 MiB)")
    validate.add_argument("--quiet", "-q", action="store_true", help="print errors only, no warnings")
    validate.add_argument(
        "--jobs", "-j", type=int, default=0, help="worker processes for large folders (default 0: one per CPU)"
    )

    commands.add_parser("schema", help="print the JSON Schema of an article file's front matter (for editors, CI)")

    reindex = commands.add_parser("reindex", help="re-ingest every object of a bucket")
    reindex.add_argument("--bucket", default="articles")
    reindex.add_argument("--table", default="articles")
    reindex.add_argument("--prefix", default="")
    reindex.add_argument("--max-bytes", type=int, default=ONE_MIB)
    reindex.add_argument(
        "--endpoint-url",
        default=os.environ.get("AWS_ENDPOINT_URL"),
        help=f"the emulator (e.g. {DEFAULT_ENDPOINT}); omit for a real account",
    )
    reindex.add_argument("--profile", default=None)
    reindex.add_argument("--region", default=None)

    status = commands.add_parser("status", help="print a key's ingestion record (signed with your AWS credentials)")
    status.add_argument("key", metavar="KEY", help="the object key, e.g. articles/2020/post.md")
    where = status.add_mutually_exclusive_group()
    where.add_argument("--api-url", help="the API's base URL (default: the local stack, http://127.0.0.1:3000)")
    where.add_argument("--stack-name", help="read the ApiUrl output of this deployed stack")
    status.add_argument("--profile", default=None)
    status.add_argument("--region", default=None)

    invoke = commands.add_parser("invoke", help="run a template function on an event, like `sam local invoke`")
    invoke.add_argument("function", choices=["IngestFunction", "ApiFunction", "StreamFunction"])
    invoke.add_argument("--event", "-e", required=True, type=Path)
    invoke.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL", DEFAULT_ENDPOINT))
    invoke.add_argument("--table", default="articles")

    dev = commands.add_parser("dev", help="run the whole stack locally (what `make dev` runs)")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--aws-port", type=int, default=4566, help="port of the AWS emulator")
    dev.add_argument("--api-port", type=int, default=3000, help="port of the HTTP API")
    dev.add_argument("--no-samples", action="store_true", help="start with an empty bucket")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code is the command's."""
    arguments = _parser().parse_args(argv)
    if arguments.command == "validate":
        from articlectl import validate

        return validate.run(
            arguments.paths,
            output=arguments.format,
            max_bytes=arguments.max_bytes,
            quiet=arguments.quiet,
            jobs=arguments.jobs or validate.default_jobs(),
        )
    if arguments.command == "schema":
        from article_feed.domain.schema import article_schema

        print(json.dumps(article_schema(), indent=2, ensure_ascii=False))
        return 0
    if arguments.command == "reindex":
        import boto3

        from articlectl import reindex

        session = boto3.session.Session(profile_name=arguments.profile, region_name=arguments.region)
        return reindex.run(
            session, arguments.bucket, arguments.table, arguments.prefix, arguments.max_bytes, arguments.endpoint_url
        )
    if arguments.command == "status":
        import boto3

        from articlectl import status

        session = boto3.session.Session(profile_name=arguments.profile, region_name=arguments.region)
        api_url = arguments.api_url or (
            status.api_url_of_stack(session, arguments.stack_name) if arguments.stack_name else status.LOCAL_API
        )
        return status.run(session, arguments.key, api_url)
    if arguments.command == "invoke":
        from articlectl import dev

        dev.use_emulator(arguments.endpoint_url, arguments.table)
        from articlectl.lambdas import invoke

        answer = invoke(arguments.function, json.loads(arguments.event.read_text(encoding="utf-8")))
        print(json.dumps(answer, indent=2, ensure_ascii=False))
        return 0
    from articlectl import dev

    return dev.run(arguments.host, arguments.aws_port, arguments.api_port, load_samples=not arguments.no_samples)


if __name__ == "__main__":
    sys.exit(main())
