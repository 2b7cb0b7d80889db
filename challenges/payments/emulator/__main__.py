"""``python -m challenges.payments.emulator``: serve the emulator until interrupted."""

import argparse

from werkzeug.serving import run_simple

from .app import make_app


def main(argv=None):
    parser = argparse.ArgumentParser(description="Local Stripe emulator (test mode only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--api-key", help="accept only this secret key (default: any sk_test_ key)")
    parser.add_argument(
        "--webhook", action="append", default=[], metavar="URL", help="deliver events to URL (repeatable)"
    )
    parser.add_argument("--webhook-secret", help="signing secret whsec_... for --webhook endpoints")
    parser.add_argument(
        "--webhook-backoff",
        type=float,
        default=1.0,
        help="seconds before the first retry of a failed delivery (doubling after)",
    )
    parser.add_argument("--public-url", help="address browsers use to reach the emulator's pages")
    args = parser.parse_args(argv)
    app = make_app(
        api_key=args.api_key,
        public_url=args.public_url,
        webhook_backoff=args.webhook_backoff,
        webhooks=[(url, args.webhook_secret) for url in args.webhook],
    )
    for endpoint in app.deliverer.endpoints.values():
        print(f"webhooks -> {endpoint['url']} signed with {endpoint['secret']}", flush=True)
    print(f"Stripe emulator on http://{args.host}:{args.port} (overview at /)", flush=True)
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
