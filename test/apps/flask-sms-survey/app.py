"""An SMS survey written the way Twilio's "Tracking SMS conversations" Flask tutorial writes it: the only
state is Flask's session, a signed cookie that Twilio (here Switchboard) keeps for the conversation between
one phone and the app's number. Nothing here knows about Switchboard."""
import os

from flask import Flask, request, session
from twilio.twiml.messaging_response import MessagingResponse

QUESTIONS = [
    'How would you rate the delivery, from 1 to 5?',
    'Would you order from us again?',
    'Anything we could do better?',
]

app = Flask(__name__)
app.secret_key = os.environ.get('SECRET_KEY', 'tutorial-secret-key')


@app.post('/sms')
def survey():
    answers = session.get('answers', [])
    if 'started' in session:
        answers.append(request.values.get('Body', ''))
    session['started'] = True
    session['answers'] = answers
    response = MessagingResponse()
    if len(answers) < len(QUESTIONS):
        response.message(QUESTIONS[len(answers)])
    else:
        response.message('Thanks! You answered: ' + ' | '.join(answers))
        session.clear()
    return str(response)


if __name__ == '__main__':
    app.run(host='127.0.0.1', port=int(os.environ.get('PORT', '5000')))
