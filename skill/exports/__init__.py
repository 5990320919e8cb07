"""Build-time exports from content/: what `nocontact model` writes for Alexa and the runtime.

The interaction model and skill.json (interaction_model), the store icons (icons) and the
compiled guide the runtime reads, guidebook.json (guidebook). May import content/ and
skill.runtime (intent names, the crisis answer's form); nothing here ships to Lambda.
"""
