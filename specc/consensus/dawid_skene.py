"""Dawid–Skene (1979): EM over one confusion matrix per annotator, computed in SQL.

The model: unit u's true label is c with prior π_c; annotator a, shown a unit whose label is
c, answers l with probability e_a[l | c]. EM alternates

- E-step: q_uc ∝ π_c · Π_(a, l) e_a[l | c]^n_ual, over the unit's votes (in logs, shifted by
  the unit's largest term before exponentiating);
- M-step: e_a[l | c] ∝ max(Σ_u n_ual q_uc, 1e-10), normalised over the labels a gave;
  π_c = mean over units of q_uc (clipped at 1e-10 when its log is taken).

It starts from the majority-vote shares (q = each label's share of the unit's votes) and one
M-step, and stops after `max_iterations` iterations, or once the log-likelihood of the data
per response changes by less than `tolerance` between two E-steps. All of this is crowd-kit's
`DawidSkene` step for step (its 1e-10 clipping included), so with the same number of
iterations both give the same posteriors, matrices and priors.

Each step is one aggregate query over the count table `votes`: the posteriors are a table
with one row per unit and one column per label (`p0`, `p1`, …: label ids, never data
values), the matrices a table with one row per (annotator, given label) and a column per
true label. Only the priors, the matrices and one log-likelihood per iteration come back.
"""

from __future__ import annotations

from ..sqlsafe import identifier
from .crowd import Crowd
from .engine import Engine
from .majority import TIE_TOLERANCE
from .results import Convergence, EstimatedMatrix

EPSILON = 1e-10


def _columns(prefix: str, size: int, template: str = "{c}", separator: str = ", ") -> str:
    """`template` once per label id, with {c} the quoted column `prefix<id>` and {i} the id."""
    return separator.join(template.format(c=identifier(f"{prefix}{i}"), i=i) for i in range(size))


def initial_posterior(engine: Engine, size: int) -> None:
    shares = ", ".join(
        f"CAST(sum(CASE WHEN label_id = {i} THEN n ELSE 0 END) AS DOUBLE) / sum(n) AS {identifier(f'p{i}')}"
        for i in range(size)
    )
    engine.create("posterior", f"SELECT unit_id, {shares} FROM {engine.table('votes')} GROUP BY unit_id")


def m_step(engine: Engine, size: int) -> None:
    masses = ", ".join(
        f"greatest(sum(v.n * q.{identifier(f'p{i}')}), {EPSILON}) AS {identifier(f'm{i}')}" for i in range(size)
    )
    logs = _columns("m", size, "ln({c} / sum({c}) OVER (PARTITION BY annotator_id)) AS " + '"lp{i}"')
    engine.create("errors", (
        f"WITH mass AS (SELECT v.annotator_id, v.label_id, {masses}"
        f" FROM {engine.table('votes')} AS v JOIN {engine.table('posterior')} AS q ON q.unit_id = v.unit_id"
        f" GROUP BY v.annotator_id, v.label_id)"
        f" SELECT annotator_id, label_id, {logs} FROM mass"
    ))
    priors = _columns("p", size, "avg({c}) AS " + '"prior{i}"')
    engine.create("priors_raw", f"SELECT {priors} FROM {engine.table('posterior')}")
    clipped = _columns("prior", size, f"ln(greatest({{c}}, {EPSILON})) AS " + '"lq{i}"')
    engine.create("priors", f"SELECT {_columns('prior', size)}, {clipped} FROM {engine.table('priors_raw')}")


def e_step(engine: Engine, size: int) -> float:
    """New posteriors from the current matrices and priors; returns the data's log-likelihood."""
    sums = _columns("lp", size, "sum(v.n * e.{c}) AS " + '"s{i}"')
    joint = _columns("s", size, "s.{c} + pr.\"lq{i}\" AS {c}")
    shifted = _columns("s", size, "exp({c} - peak) AS " + '"w{i}"')
    total = _columns("w", size, separator=" + ")
    posterior = _columns("w", size, f"{{c}} / ({total}) AS " + '"p{i}"')
    engine.create("posterior", (
        f"WITH scores AS (SELECT v.unit_id, {sums} FROM {engine.table('votes')} AS v"
        f" JOIN {engine.table('errors')} AS e ON e.annotator_id = v.annotator_id AND e.label_id = v.label_id"
        f" GROUP BY v.unit_id),"
        f" joint AS (SELECT s.unit_id, {joint} FROM scores AS s CROSS JOIN {engine.table('priors')} AS pr),"
        f" peaked AS (SELECT joint.*, greatest({_columns('s', size)}) AS peak FROM joint),"
        f" weighted AS (SELECT unit_id, peak, {shifted} FROM peaked)"
        f" SELECT unit_id, peak + ln({total}) AS evidence, {posterior} FROM weighted"
    ))
    return float(engine.fetch(f"SELECT sum(evidence) FROM {engine.table('posterior')}")[0][0])


def fit(engine: Engine, crowd: Crowd, tolerance: float, max_iterations: int) -> Convergence:
    size = len(crowd.labels)
    initial_posterior(engine, size)
    m_step(engine, size)
    history: list[float] = []
    change = None
    for _ in range(max_iterations):
        history.append(e_step(engine, size))
        m_step(engine, size)
        if len(history) > 1:
            change = abs(history[-1] - history[-2]) / crowd.responses
            if change < tolerance:
                break
    converged = change is not None and change < tolerance
    return Convergence(len(history), converged, tolerance, max_iterations, change, history[-1], tuple(history))


def decide(engine: Engine, size: int) -> str:
    """The `decisions` table: each unit's most probable label, ties to the first in label order."""
    peak = f"greatest({_columns('p', size)})"
    near = f"{{c}} >= peak - {TIE_TOLERANCE}"
    label = " ".join(f"WHEN {near.format(c=identifier(f'p{i}'))} THEN {i}" for i in range(size))
    support = " ".join(f"WHEN {near.format(c=identifier(f'p{i}'))} THEN {identifier(f'p{i}')}" for i in range(size))
    at_top = _columns("p", size, f"CASE WHEN {near} THEN 1 ELSE 0 END", " + ")
    return engine.create("decisions", (
        f"SELECT unit_id, CASE {label} END AS label_id, CASE {support} END AS support, ({at_top}) > 1 AS tied"
        f" FROM (SELECT posterior.*, {peak} AS peak FROM {engine.table('posterior')} AS posterior) AS peaked"
    ))


def priors(engine: Engine, crowd: Crowd) -> dict:
    row = engine.fetch(f"SELECT {_columns('prior', len(crowd.labels))} FROM {engine.table('priors')}")[0]
    return {label: float(value) for label, value in zip(crowd.labels, row)}


def estimated_matrices(engine: Engine, crowd: Crowd) -> dict[int, EstimatedMatrix]:
    """Per annotator id: P(given | true), rows true labels; labels never given have probability 0."""
    size = len(crowd.labels)
    rows = engine.fetch(f"SELECT annotator_id, label_id, {_columns('lp', size, 'exp({c})')} FROM {engine.table('errors')}")
    matrices: dict[int, list[list[float]]] = {}
    for annotator_id, given, *probabilities in rows:
        matrix = matrices.setdefault(annotator_id, [[0.0] * size for _ in range(size)])
        for true, probability in enumerate(probabilities):
            matrix[true][given] = float(probability)
    return {a: EstimatedMatrix(crowd.labels, tuple(tuple(r) for r in m)) for a, m in matrices.items()}


def estimated_accuracy(matrix: EstimatedMatrix, class_priors: dict) -> float:
    return sum(class_priors[label] * matrix.probability(label, label) for label in matrix.labels)
