"""The skill as a Flask web service: create_app() (webservice), Amazon's request verification
(verify) and the simulator page (simulator_page, static/simulator/).

May import skill.runtime, skill.simulator, audio/ and content/.
"""
