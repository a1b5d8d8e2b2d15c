"""Sends twilio-python to Switchboard with no change to the app's code.

    PYTHONPATH=/path/to/switchboard/python SWITCHBOARD_URL=http://127.0.0.1:4242 python app.py

Python imports `sitecustomize` from PYTHONPATH at start-up. This one patches twilio-python's HTTP clients
(sync and async) so that `https://PRODUCT[.edge.region].twilio.com/PATH` goes to `SWITCHBOARD_URL/PRODUCT/PATH`,
as the Node preload (`switchboard/register`) does for twilio-node; URLs that are not Twilio's are left alone.
An app without twilio installed is not affected. Any other `sitecustomize` further down the path (Debian's,
a virtualenv's) still runs afterwards.
"""
import importlib.machinery
import importlib.util
import os
import re
import sys

_TWILIO_HOST = re.compile(r'^https?://([a-z0-9-]+)(?:\.[a-z0-9-]+)*?\.twilio\.com(?::\d+)?(/.*)?$', re.IGNORECASE)
_HERE = os.path.dirname(os.path.abspath(__file__))


def rewrite(url, base):
    """Maps a Twilio API URL onto the Switchboard base URL; any other URL is returned unchanged."""
    m = _TWILIO_HOST.match(url)
    if not m:
        return url
    return base + '/' + m.group(1).lower() + (m.group(2) or '/')


def _patch(cls, base):
    original = cls.request
    if getattr(original, '_switchboard', False):
        return

    def request(self, method, url, *args, **kwargs):
        return original(self, method, rewrite(url, base), *args, **kwargs)

    request._switchboard = True
    cls.request = request


def _install():
    base = os.environ.get('SWITCHBOARD_URL', 'http://127.0.0.1:4242').rstrip('/')
    try:
        from twilio.http.http_client import TwilioHttpClient
    except ImportError:
        return
    _patch(TwilioHttpClient, base)
    try:  # twilio-python 8 and later; needs aiohttp
        from twilio.http.async_http_client import AsyncTwilioHttpClient
        _patch(AsyncTwilioHttpClient, base)
    except ImportError:
        pass


def _chain():
    """Runs the next `sitecustomize` on the path, which this module shadows."""
    rest = [p for p in sys.path if os.path.abspath(p or '.') != _HERE]
    spec = importlib.machinery.PathFinder.find_spec('sitecustomize', rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


_install()
_chain()
