// Tests of Gateway.
