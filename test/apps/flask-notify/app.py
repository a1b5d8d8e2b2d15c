"""A notifications app written the way Twilio's Flask tutorials write them: credentials from the
environment, a plain `Client()`, nothing that knows about Switchboard."""
import os

from flask import Flask, jsonify, request
from twilio.rest import Client

app = Flask(__name__)
client = Client()  # TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN from the environment


@app.post('/notify')
def notify():
    message = client.messages.create(
        from_=os.environ['TWILIO_PHONE_NUMBER'],
        to=request.form['to'],
        body=request.form['body'],
    )
    return jsonify(sid=message.sid, status=message.status)


if __name__ == '__main__':
    app.run(host='127.0.0.1', port=int(os.environ.get('PORT', '5000')))
