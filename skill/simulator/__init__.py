"""Talking to the skill without an Echo: what Alexa would make of words, learned from the
interaction model by a statistical classifier and slot tagger (understanding, training,
classifier, tagger, kept on disk by understanding_cache; language_model, phrasings, built-in
slots), request envelopes as a device sends them
(envelopes), a device's state between turns (device), the conversation as a transcript
(transcript), how envelopes reach the skill, in process or over HTTP (transports, simulation),
and Alexa's Reminders and Settings APIs answered on loopback for the skill (alexa_apis,
api_server).

May import skill.runtime, skill.exports, audio/ and content/; never Flask (that is skill.web).
"""
