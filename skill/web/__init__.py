"""The skill as a Flask web service: create_app() (webservice), its settings and the rules for
where each mode may run (settings), Amazon's request verification (verify, with certificate
downloads in certificates), refusals (errors), log hygiene (logbook) and the simulator page
(simulator_page, static/simulator/).

May import skill.runtime, skill.simulator, audio/ and content/.
"""
