"""twilio-python with no Switchboard-specific code: Client() reads its credentials from the environment."""
import json
import sys

from twilio.rest import Client

client = Client()
area_code = sys.argv[1]
number = client.incoming_phone_numbers.create(area_code=area_code, friendly_name='python env-only')
sent = client.messages.create(from_=number.phone_number, to='+14155550143', body='hello from python')
fetched = client.messages(sent.sid).fetch()
# Verify lives on another host (verify.twilio.com): the rewrite covers every product, not only api.
services = client.verify.v2.services.list(limit=5)
print(json.dumps({'number': number.phone_number, 'sid': fetched.sid, 'body': fetched.body, 'from': fetched.from_, 'verify_services': len(services)}))
