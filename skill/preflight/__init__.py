"""The certification preflight: what Amazon's certification checks, checked before submitting.

Each check is a function returning findings; each finding names what to fix. The checks follow
Amazon's own lists, cited where they are made:
- Certification Requirements for Custom Skills and its Policy Requirements (health skills say
  they are no substitute for professional advice; a privacy policy):
  https://developer.amazon.com/en-US/docs/alexa/custom-skills/certification-requirements-for-custom-skills.html
- Functional Testing for a Custom Skill (example phrases, skill description, icons, audio):
  https://developer.amazon.com/en-US/docs/alexa/custom-skills/functional-testing-for-a-custom-skill.html
- Voice Interface and User Experience Testing (session management, help, stop and cancel,
  every intent answered): https://developer.amazon.com/en-US/docs/alexa/custom-skills/voice-interface-and-user-experience-testing-for-a-custom-skill.html
- Invocation name requirements:
  https://developer.amazon.com/en-US/docs/alexa/custom-skills/choose-the-invocation-name-for-a-custom-skill.html
- Skill manifest schema (icons 108 x 108 and 512 x 512 PNG, example phrases) and Alexa's
  response limits (8,000 characters of speech, 120 KB per response), in ../shared/ALEXA.md.

Modules: `findings` (the verdicts), `package` (a skill package read from disk), `listing`
(skill.json's store listing, privacy and icons), `model` (the interaction models), `exchanges`
(the skill asked every intent, on every device and locale), `behaviour` (what those answers
must be), `runner` (all of it, in order). May import skill.simulator, skill.runtime,
skill.smapi and audio/; never Flask.
"""
