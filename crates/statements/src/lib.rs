//! Statement parsers (WeChat Pay, Alipay, UnionPay, insurance 3202, HIS export, platform ledger): work in progress.
