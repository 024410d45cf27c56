//! Retail customer (PII) data of customer.xsd (namespace `http://naesb.org/espi/customer`, v4.0).
