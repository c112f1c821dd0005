"""Run the sandbox by hand: python -m sandbox [--port 3000] [--legacy] (from tests/)."""

import argparse

from .server import Sandbox, loopback


def loopback_host(value: str) -> str:
    if not loopback(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a loopback address; the sandbox has seeded passwords "
                                         "and no TLS, so it listens on 127.0.0.1, ::1 or localhost only")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(prog="sandbox", description="A Mastodon-compatible instance on loopback.")
    parser.add_argument("--host", default="127.0.0.1", type=loopback_host,
                        help="loopback address to listen on (127.0.0.0/8, ::1 or localhost)")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--legacy", action="store_true",
                        help="behave like an older or non-Mastodon server (no metadata document, PKCE ignored, "
                             "no CORS on /oauth/revoke, a single redirect_uri string)")
    parser.add_argument("--placeholder-app-token", action="store_true",
                        help="answer client credentials with a fixed token that fails verify_credentials")
    parser.add_argument("--other", action="store_true",
                        help="behave like a server that speaks the API without being Mastodon: --legacy and "
                             "--placeholder-app-token, plus 400 for dead tokens, its own error names, "
                             "force_login ignored, HTML 500 pages")
    args = parser.parse_args()
    sandbox = Sandbox(args.host, args.port, legacy=args.legacy, placeholder_app_token=args.placeholder_app_token,
                      other=args.other)
    mode = "other-server" if args.other else "older-server" if args.legacy else "Mastodon"
    print(f"Sandbox instance on {sandbox.url} ({mode} mode). "
          "Users: alice / alice-password, bob / bob-password. Ctrl-C stops it.", flush=True)
    try:
        sandbox._server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
