"""Debian's python3-twilio against Switchboard: the redirect a Python app would use, then a few calls.

Reads SWITCHBOARD_URL, SWITCHBOARD_ACCOUNT_SID and SWITCHBOARD_AUTH_TOKEN; prints one JSON object with
what it saw (the node test asserts on it) and exits non-zero on any unexpected failure.
"""
import json
import os
import re
import sys

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

TWILIO_HOST = re.compile(r'^https?://([a-z0-9-]+)(?:\.[a-z0-9-]+)*?\.twilio\.com(?::\d+)?(/.*)?$', re.IGNORECASE)


class SwitchboardHttpClient(TwilioHttpClient):
    """Sends https://PRODUCT[.edge.region].twilio.com/PATH to BASE/PRODUCT/PATH."""

    def __init__(self, base, **kwargs):
        super().__init__(**kwargs)
        self.base = base.rstrip('/')

    def request(self, method, url, *args, **kwargs):
        m = TWILIO_HOST.match(url)
        if m:
            url = '{}/{}{}'.format(self.base, m.group(1).lower(), m.group(2) or '/')
        return super().request(method, url, *args, **kwargs)


def expect_error(fn):
    try:
        fn()
    except TwilioRestException as e:
        return {'status': e.status, 'code': e.code, 'class': type(e).__name__}
    raise AssertionError('expected a TwilioRestException')


def main():
    base = os.environ['SWITCHBOARD_URL']
    sid = os.environ['SWITCHBOARD_ACCOUNT_SID']
    client = Client(sid, os.environ['SWITCHBOARD_AUTH_TOKEN'], http_client=SwitchboardHttpClient(base))
    out = {}

    account = client.api.accounts(sid).fetch()
    out['account'] = {'sid': account.sid, 'status': account.status, 'date_created_year': account.date_created.year}

    available = client.available_phone_numbers('US').local.list(area_code=415, limit=3)
    out['available'] = [n.phone_number for n in available]

    bought = client.incoming_phone_numbers.create(phone_number=available[0].phone_number, sms_url='http://127.0.0.1:3000/sms')
    out['bought'] = {'sid': bought.sid, 'phone_number': bought.phone_number, 'sms_url': bought.sms_url}
    for _ in range(2):
        client.incoming_phone_numbers.create(area_code='646')

    # page_size=2 makes the SDK follow next_page_uri, a relative URI it turns back into an api.twilio.com URL.
    out['listed'] = [n.sid for n in client.incoming_phone_numbers.list(page_size=2)]
    out['filtered'] = [n.sid for n in client.incoming_phone_numbers.list(phone_number=bought.phone_number)]

    out['duplicate'] = expect_error(lambda: client.incoming_phone_numbers.create(phone_number=bought.phone_number))
    out['missing'] = expect_error(lambda: client.incoming_phone_numbers('PN' + '0' * 32).fetch())
    bad = Client(sid, 'not-the-token', http_client=SwitchboardHttpClient(base))
    out['unauthorized'] = expect_error(lambda: bad.api.accounts(sid).fetch())

    # The order-update story, as a Python app sends it.
    message = client.messages.create(to='+15558675310', from_=bought.phone_number, body='Your order #BAKERY-12345 is on its way!')
    out['message'] = {'sid': message.sid, 'status': message.status, 'num_segments': message.num_segments, 'direction': message.direction}

    print(json.dumps(out))


if __name__ == '__main__':
    try:
        main()
    except Exception as e:  # report, so the node test shows the reason
        print('smoke failed: {!r}'.format(e), file=sys.stderr)
        sys.exit(1)
