/**
 * {@code lathe quickstart}: a customer-support assistant built end to end from the bundled Bitext data, in
 * six steps, each a class with one job: {@link dev.lathe.cli.quickstart.DataPreparation} (clean with PII
 * redaction, stratified 80/10/10 split, dataset report), {@link dev.lathe.cli.quickstart.ModelSelection}
 * (the generator and all-MiniLM-L6-v2), {@link dev.lathe.cli.quickstart.IntentClassifierTraining} and
 * {@link dev.lathe.cli.quickstart.ResponseGeneratorTraining} (a head on the frozen encoder; LoRA on the
 * generator with early stopping), {@link dev.lathe.cli.quickstart.IntentEvaluation} and
 * {@link dev.lathe.cli.quickstart.ResponseEvaluation} (test-split figures and the HTML/JSON reports),
 * {@link dev.lathe.cli.quickstart.EscalationCalibration} (threshold chosen on validation, measured on
 * test), and {@link dev.lathe.cli.quickstart.SupportBotServer} (the {@code support-bot} pipeline behind the
 * OpenAI-compatible server). {@link dev.lathe.cli.quickstart.Quickstart} runs them in order into a fresh
 * {@code runs/quickstart-<timestamp>/} folder; every figure it prints is measured in that run.
 */
package dev.lathe.cli.quickstart;
