"""Results and scores (xAPI 1.0.3 §2.4.5)."""

from __future__ import annotations

from lrs.xapi.common import (
    JSONObject,
    check_bool,
    check_duration,
    check_extensions,
    check_number,
    check_object,
    check_string,
    fail,
)

RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})


def validate_result(data: object, *, path: str = "statement.result") -> JSONObject:
    """Validate a Result object."""
    # xAPI 1.0.3 §2.4.5 Result: score, success (bool), completion (bool), response (string),
    # duration (ISO 8601 duration), extensions.
    result = check_object(data, path, RESULT_KEYS)
    if "score" in result:
        validate_score(result["score"], path=f"{path}.score")
    if "success" in result:
        check_bool(result["success"], f"{path}.success")
    if "completion" in result:
        check_bool(result["completion"], f"{path}.completion")
    if "response" in result:
        check_string(result["response"], f"{path}.response")
    if "duration" in result:
        check_duration(result["duration"], f"{path}.duration")
    if "extensions" in result:
        check_extensions(result["extensions"], f"{path}.extensions")
    return result


def validate_score(data: object, *, path: str = "statement.result.score") -> JSONObject:
    """Validate a Score: -1 <= scaled <= 1, min < max, min <= raw <= max."""
    # xAPI 1.0.3 §2.4.5.1 Score.
    score = check_object(data, path, SCORE_KEYS)
    numbers = {key: check_number(value, f"{path}.{key}") for key, value in score.items()}
    scaled = numbers.get("scaled")
    if scaled is not None and not -1 <= scaled <= 1:
        # §2.4.5.1: scaled is a decimal number between -1 and 1, inclusive.
        fail(f"{path}.scaled", f"must be between -1 and 1 inclusive, got {scaled}")
    low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
    if low is not None and high is not None and not low < high:
        # §2.4.5.1: min is a decimal number less than max (if present).
        fail(f"{path}.min", f"must be less than max ({high}), got {low}")
    if raw is not None:
        # §2.4.5.1: raw is a decimal number between min and max (if present), inclusive.
        if low is not None and raw < low:
            fail(f"{path}.raw", f"must not be less than min ({low}), got {raw}")
        if high is not None and raw > high:
            fail(f"{path}.raw", f"must not be greater than max ({high}), got {raw}")
    return score
