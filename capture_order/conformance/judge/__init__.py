"""The one judge: every rule of behaviour, over a stream of exchanges and what is known of orders.

Active runs, `--traffic` files and the proxy feed it the same way (`judge_engine.RuleJudge`); what
an active run set up itself reaches it as facts (`judge_facts.Facts`), never as a judgement of its
own.
"""
