"""What people read: the conversion report (tables, charts, page), the backtest page, leadscore check."""
