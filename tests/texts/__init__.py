# ruff: noqa: E501 - the agreed actions are one paragraph a line, as the page has them
"""Decision texts written for the tests, in the Ombudsman's published layout, carrying the
facts of real decisions in the project's own words."""

# The joint decision 24 005 859a (13 February 2025): three bodies, seventeen agreed
# actions. Laid out as the Ombudsman's decision page is, with its page furniture.
JOINT_24_005_859A = """\
NHS Cambridgeshire & Peterborough ICB (24 005 859a)

Category : Health > Mental health services

Decision : Upheld

Decision date : 13 Feb 2025

The Ombudsman's final decision:

Summary: An NHS Trust, a Council and an NHS ICB were at fault for still not giving a
care coordinator to a young man entitled to one. This caused avoidable uncertainty and
distress. The organisations have agreed to apologise, make small payments, find a way to
provide a coordinator and work on the wider issues.

The complaint

  1. The complaint is about:
  • Cambridgeshire and Peterborough NHS Foundation Trust (the Trust),
  • Peterborough City Council (the Council), and
  • NHS Cambridgeshire and Peterborough Integrated Care Board (the ICB).
  2. Mr X complains for his son, Mr Y, who is entitled to aftercare under section 117 of
  the Mental Health Act 1983, that the organisations have still not given Mr Y a care
  coordinator although the Ombudsmen recommended one in an earlier decision.

Back to top

Analysis

  3. The local aftercare policy lets only a health professional act as care coordinator,
  which is narrower than the national guidance, and no service is commissioned for
  someone in Mr Y's position. Nobody considered a bespoke arrangement. That was fault.

Back to top

Agreed actions

  1. Within one month of the final decision the Trust, the Council and the ICB should write to Mr X and Mr Y to acknowledge the failings this decision identifies. They should also apologise for the distress the avoidable uncertainty caused them both.
  2. Within two months of the final decision the Trust, the Council and the ICB should:
  • each pay Mr X £200 (i.e. £600 in total) in recognition of the avoidable uncertainty he has been caused about whether his son missed out on support, and
  • each pay Mr Y £200 (i.e. £600 in total) in recognition of the avoidable uncertainty he has been caused about whether he missed out on support.
  1. Within three months of the final decision the Trust, the Council and the ICB should make sure a care coordinator is appointed for Mr Y, working together on how to fund, procure and manage a bespoke solution if the usual services cannot provide one.
  2. Within three months of the final decision the Trust, the Council and the ICB should send the Ombudsmen an action plan saying how they will resolve the commissioning and policy issues this case has shown, and how they will find anyone else affected.
  3. Within three months of the final decision the Council should invite the relevant scrutiny committee to:
  • consider the policy and commissioning issues this case has shown,
  • consider wider lessons about working jointly with the Trust and the ICB, and
  • monitor the Council's progress in addressing them (with the Trust and the ICB).
  1. Within one month of the final decision the ICB should tell the relevant NHS England oversight team about this case, noting Mr Y's circumstances and the wider learning. The ICB should keep NHS England updated, including by sending it a copy of the action plan.

Back to top

Decision

  1. I found fault on the part of the Trust, the Council and the ICB. The organisations have agreed to take action to address the impact of this fault. I will complete my investigation on this basis.

Investigator's decision on behalf of the Ombudsmen

Back to top
"""
