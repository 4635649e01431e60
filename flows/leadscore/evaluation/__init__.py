"""Judging and learning weights: backtests, suggested weights, the speed benchmark."""
