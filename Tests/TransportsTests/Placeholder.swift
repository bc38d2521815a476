// Tests of Transports.
