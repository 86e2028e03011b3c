"""Pure-Python xAPI 1.0.3 validation and formatting library (stdlib only, no Django).

Entry points:

* :func:`lrs.xapi.statements.validate_statement` / :func:`validate_statements`
* :func:`lrs.xapi.statements.statements_equivalent`
* :func:`lrs.xapi.agents.validate_agent`, :func:`agent_ifi`, :func:`validate_agent_param`
* :func:`lrs.xapi.formats.format_statement`, :func:`parse_accept_language`,
  :func:`validate_statement_query`

Every validator raises :class:`lrs.xapi.errors.XAPIValidationError` on the first violation.
"""

from lrs.xapi.errors import XAPIValidationError

__all__ = ["XAPIValidationError"]
