"""The incremental layer: what a build reuses of the last one, decided in one place for every stage."""
