"""One answerer per kind of answer; the service's router picks one per question.

- `passage`: the extractive answer from the best sentences, or the abstention.
- `figure`: the budget figure (or calculation) from the fact store, its cell cited.
- `comparison`: one cited line per organization, for questions across organizations.
- `unknown`: the question names an organization no loaded document is about.
Every answer passes the grounding guard (`assistant.grounding.guarded`).
"""
