"""Lead scoring warehouse: Python flows, command line and demo data generator (imported as `leadscore`)."""
