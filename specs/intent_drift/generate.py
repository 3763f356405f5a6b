"""Writes the three deliveries of this example; seeded, so running it again gives the same files.

- baseline/: round 1, the intents in their usual shares, six annotators.
- clean/:    round 2 drawn like round 1 (another seed): no drift.
- dirty/:    round 2 after a planted shift: lost cards rise from 20% to 45% of messages and
             balance questions fall from 35% to 15%; annotator `hugo` left, `ines` and `jon` joined.

    python specs/intent_drift/generate.py
"""

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTENTS = ("balance", "card_lost", "fees", "transfer", "close_account")
USUAL = (0.35, 0.20, 0.20, 0.15, 0.10)
SHIFTED = (0.15, 0.45, 0.20, 0.12, 0.08)
TEAM = ("ada", "ben", "cleo", "dev", "eli", "hugo")
NEW_TEAM = ("ada", "ben", "cleo", "dev", "eli", "ines", "jon")
MESSAGES = 500
ACCURACY = 0.9  # how often an annotator gives the message's true intent


def delivery(folder: str, seed: int, shares, team) -> None:
    rng = random.Random(seed)
    rows = []
    for number in range(1, MESSAGES + 1):
        truth = rng.choices(INTENTS, shares)[0]
        for annotator in rng.sample(team, 2):
            intent = truth if rng.random() < ACCURACY else rng.choice([i for i in INTENTS if i != truth])
            rows.append((f"M-{number:04d}", annotator, intent))
    (HERE / folder).mkdir(exist_ok=True)
    with open(HERE / folder / "annotations.csv", "w", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("message_id", "annotator", "intent"))
        writer.writerows(rows)


if __name__ == "__main__":
    delivery("baseline", 1, USUAL, TEAM)
    delivery("clean", 2, USUAL, TEAM)
    delivery("dirty", 3, SHIFTED, NEW_TEAM)
