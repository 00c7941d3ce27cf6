"""Cue words for the emotion rule in :mod:`roughcut.text.emotion`, written for roughcut.

Base forms only; the rule also matches them with ``s``, ``es``, ``ed``, ``d``, ``ing`` and ``ly``
endings. Each emotion is one of Ekman's six basic emotions.
"""

CUES: dict[str, str] = {
    "joy": """
        happy glad joy joyful delight delighted love lovely wonderful great fantastic amazing awesome
        beautiful laugh smile celebrate celebration excite excited thrill thrilled proud pride hope
        hopeful grateful thank thanks yay hooray win won victory perfect fun enjoy cheer cheerful
        bliss blessed brilliant congratulations relief relieved adore kiss hug free success
        """,
    "sadness": """
        sad sorry sorrow grief grieve cry tear tears weep mourn miss lonely alone lose lost loss
        hurt pain broken heartbroken regret goodbye die dead death funeral empty hopeless misery
        miserable unhappy depressed gloomy tragic tragedy sigh never-again disappoint disappointed
        failure fail gone
        """,
    "anger": """
        angry anger mad furious fury rage hate hatred damn dammit hell idiot stupid shut liar lie
        lied betray betrayed blame fault enough how-dare dare kill fight yell shout scream annoy
        annoyed irritate irritated outrage outrageous sick-of fed-up ridiculous unbelievable
        bastard jerk screw threat threaten
        """,
    "fear": """
        afraid fear scared scare scary terrified terror panic nervous anxious worry worried dread
        danger dangerous risk hide run help careful trap trapped threat nightmare horror shaking
        tremble trembling alarm emergency warning unsafe doom blind crash fall falling
        """,
    "surprise": """
        surprise surprised wow whoa what-the unexpected suddenly sudden shock shocked shocking
        amazed astonished stunned incredible unbelievable impossible really seriously oh no-way
        believe startled speechless
        """,
    "disgust": """
        disgust disgusting gross nasty sick vile revolting filthy dirty rotten stink smell
        creepy ugh yuck repulsive awful horrible pathetic shame shameful contempt despise
        """,
}
