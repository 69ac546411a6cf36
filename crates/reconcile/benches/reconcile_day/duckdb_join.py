#!/usr/bin/env python3
"""DuckDB baseline for the reconcile_day benchmark: the same full outer join of the platform
ledger against the WeChat ALL bill (backticks stripped in SQL), the same classes, from the same
files. Prints `seconds <s>` (reading + joining + classifying, inside DuckDB) and one
`class <name> <count> <net amount>` line per class.

Usage: duckdb_join.py LEDGER.csv WECHAT_ALL.csv [THREADS]
"""
import sys
import time

import duckdb

QUERY = """
WITH wx_raw AS (
    SELECT ltrim(交易状态, '`') AS state, ltrim(商户订单号, '`') AS order_no,
           ltrim(商户退款单号, '`') AS refund_no, ltrim(订单金额, '`') AS order_amount,
           ltrim(申请退款金额, '`') AS requested, ltrim(退款状态, '`') AS refund_state,
           ltrim(手续费, '`') AS fee
    FROM read_csv(?, header = true, all_varchar = true, null_padding = true,
                  delim = ',', quote = '', escape = '')
    WHERE 交易状态 IS NOT NULL
), wx AS (
    SELECT CASE WHEN state = 'REFUND' THEN 'refund' ELSE 'payment' END AS kind,
           CASE WHEN state = 'REFUND' THEN refund_no ELSE order_no END AS key,
           CAST(CASE WHEN state = 'REFUND' THEN requested ELSE order_amount END AS DECIMAL(18, 2)) AS amount,
           CASE WHEN state = 'SUCCESS' THEN 'success'
                WHEN state = 'REFUND' AND refund_state = 'SUCCESS' THEN 'success'
                WHEN state = 'REFUND' AND refund_state = 'PROCESSING' THEN 'pending'
                WHEN state IN ('NOTPAY', 'USERPAYING') THEN 'pending'
                ELSE 'closed' END AS status,
           CAST(fee AS DECIMAL(18, 5)) AS fee
    FROM wx_raw
), pf AS (
    SELECT kind, CASE WHEN kind = 'refund' THEN refund_no ELSE platform_order_no END AS key,
           CAST(amount AS DECIMAL(18, 2)) AS amount, status
    FROM read_csv(?, header = true, all_varchar = true, delim = ',', quote = '', escape = '')
    WHERE channel = 'wechat'
), joined AS (
    SELECT CASE
             WHEN pf.key IS NULL THEN 'channel_only'
             WHEN wx.key IS NULL THEN 'platform_only'
             WHEN pf.status <> wx.status THEN 'status_mismatch'
             WHEN pf.amount <> wx.amount THEN 'amount_mismatch'
             WHEN wx.status = 'success' AND abs(wx.fee - (CASE WHEN wx.kind = 'refund' THEN -1 ELSE 1 END)
                  * wx.amount * 0.006) > 0.005 THEN 'fee_mismatch'
             ELSE 'matched' END AS class,
           coalesce(pf.kind, wx.kind) AS kind, coalesce(pf.amount, wx.amount) AS amount
    FROM pf FULL OUTER JOIN wx ON pf.kind = wx.kind AND pf.key = wx.key
)
SELECT class, count(*) AS n,
       sum(CASE WHEN kind = 'refund' THEN -amount ELSE amount END) AS net
FROM joined GROUP BY class ORDER BY class
"""


def main():
    ledger, wechat = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    start = time.perf_counter()
    rows = con.execute(QUERY, [wechat, ledger]).fetchall()
    seconds = time.perf_counter() - start
    print(f"seconds {seconds:.6f}")
    for name, n, net in rows:
        print(f"class {name} {n} {net}")


if __name__ == "__main__":
    main()
