"""Files: plan files (versioned JSON, atomic writes), crash recovery and exports."""
