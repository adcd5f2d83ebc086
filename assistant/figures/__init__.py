"""Money questions answered exactly from the budget facts, with the cell cited.

- `terms`: what a question asks for, in the words facts are matched by (`QueryTerms`).
- `candidates`: what a fact is (years, phase, flows) and whether it can answer (`kind_fits`,
  `names_bodies`, `fits_constraints`); `scoring`: pure scoring of one fact (`score_fact`).
- `store`: `FactStore` over all facts and tables, `lookup(question, filters) -> BudgetResult`.
- `arithmetic`: differences, changes in percent and sums of cited cells.
- `present`: how a figure and its source are written (`format_figure`, `describe_source`).
"""

from assistant.figures.present import BudgetResult, describe_source, format_figure
from assistant.figures.scoring import score_fact
from assistant.figures.store import FactStore
from assistant.figures.terms import QueryTerms, token_match

__all__ = ["BudgetResult", "FactStore", "QueryTerms", "describe_source", "format_figure", "score_fact", "token_match"]
