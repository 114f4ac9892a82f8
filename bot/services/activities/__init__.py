"""Neighbourhood activities: parsing the coordinator's answers, the draft, publishing, RSVPs and reminders."""
