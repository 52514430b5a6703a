"""The audit log as county staff read it (/accounts/audit-log/): filter, page, export.

The trail (the bottom layer) stores the events; this room of accounts finds each event's
county when it is written (`audit_county`, registered with the trail when accounts starts)
and shows a county's events to its staff.
"""
