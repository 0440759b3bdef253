"""Cases: a customer's complaints, withdrawals, questions and privacy requests, with messages.

The pages live with their audience: the customer's in bkm/accounts/case_views.py, the
staff's in bkm/admin/cases.py.
"""
