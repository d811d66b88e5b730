"""The run machinery: engagement.yaml, the notebook session, outputs, kernels, the runner, scaffolding."""
