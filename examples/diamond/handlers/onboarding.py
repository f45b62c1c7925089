"""The four steps of the onboarding diamond.

``check_credit`` is an ``async`` handler: it awaits a (simulated) credit
bureau call, so with ``--concurrency 2`` it overlaps with ``verify_identity``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from tasker_core.errors import PermanentError
from tasker_core.step_handler.functional import depends_on, inputs, step_handler


@step_handler("onboarding.load_applicant")
@inputs("applicant_id", "applicant")
def load_applicant(applicant_id: str, applicant: dict[str, Any]):
    return {
        "applicant_id": applicant_id,
        "full_name": f"{applicant['first_name']} {applicant['last_name']}",
        "country": applicant["country"],
        "annual_income": applicant["annual_income"],
        "document": applicant["document"],
    }


@step_handler("onboarding.verify_identity")
@depends_on(applicant="load_applicant")
def verify_identity(applicant: dict[str, Any], context):
    document = applicant["document"]
    if document["type"] not in context.get_config("accepted_documents"):
        raise PermanentError(f"document type {document['type']!r} is not accepted")
    time.sleep(0.05)  # the identity provider's round trip
    return {"verified": True, "method": document["type"], "confidence": 0.97}


@step_handler("onboarding.check_credit")
@depends_on(applicant="load_applicant")
async def check_credit(applicant: dict[str, Any], context):
    await asyncio.sleep(context.get_config("bureau_latency_ms") / 1000)
    income = applicant["annual_income"]
    score = min(850, 500 + income // 1000)
    return {"bureau": "Experian", "score": score, "band": "prime" if score >= 700 else "near-prime"}


@step_handler("onboarding.approve_account")
@depends_on(identity="verify_identity", credit="check_credit")
def approve_account(identity: dict[str, Any], credit: dict[str, Any], context):
    # The applicant is an ancestor two levels up: it is in dependency_results too.
    applicant = context.get_dependency_result("load_applicant")
    approved = identity["verified"] and credit["score"] >= context.get_config("minimum_score")
    return {
        "applicant": applicant["full_name"],
        "approved": approved,
        "credit_limit": 5000 if credit["band"] == "prime" else 1500,
        "reasons": [] if approved else ["credit score below minimum"],
    }
