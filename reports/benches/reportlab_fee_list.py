#!/usr/bin/env python3
"""ReportLab peer for the pdf_peer benchmark: the same fee list (rows from the TSV the bench
writes: category, date, code, name, spec, unit, quantity, price, amount) laid out the same way
— header, column titles, a title row and a subtotal per category, page breaks, a footer
"第 N 页 / 共 M 页" — with ReportLab's built-in CID font STSong-Light (not embedded: less work
than the subset our PDFs embed).

Usage: reportlab_fee_list.py ROWS.tsv OUT.pdf
"""
import sys
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
ROW = 4.6 * mm
TOP = 297 * mm - 12 * mm
BOTTOM = 16 * mm
COLS = [12, 30, 51, 98, 123, 141, 156, 176, 180]  # mm: date, code, name, spec, unit, qty(r), price(r), amount(r)


def main():
    rows_path, out = sys.argv[1], sys.argv[2]
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    categories = []
    for line in open(rows_path, encoding="utf-8"):
        cells = line.rstrip("\n").split("\t")
        if not categories or categories[-1][0] != cells[0]:
            categories.append((cells[0], []))
        categories[-1][1].append(cells[1:])
    # Lay out once to count pages, then draw with the count in every footer.
    pages = layout(None, categories, 0)
    c = canvas.Canvas(out, pagesize=A4)
    layout(c, categories, pages)
    c.save()


def layout(c, categories, total):
    page = 1
    y = TOP - 14 * mm
    if c:
        c.setFont(FONT, 15)
        c.drawCentredString(105 * mm, TOP, "演示市第一人民医院")
        c.setFont(FONT, 12)
        c.drawCentredString(105 * mm, TOP - 7 * mm, "住院费用清单")
        head(c, y)
    y -= ROW

    def room(y, need):
        nonlocal page
        if y - need >= BOTTOM:
            return y
        if c:
            footer(c, page, total)
            c.showPage()
        page += 1
        y = TOP
        if c:
            head(c, y)
        return y - ROW

    fees = Decimal("0")
    for label, lines in categories:
        y = room(y, 2 * ROW)
        if c:
            c.setFont(FONT, 8.5)
            c.drawString(COLS[0] * mm, y, "【%s】" % label)
            c.drawString(COLS[2] * mm, y, "%d 项" % len(lines))
        y -= ROW
        subtotal = Decimal("0")
        for date, code, name, spec, unit, qty, price, amount in lines:
            y = room(y, ROW)
            if c:
                c.setFont(FONT, 7.5)
                c.drawString(COLS[0] * mm, y, date)
                c.drawString(COLS[1] * mm, y, code)
                c.drawString(COLS[2] * mm, y, name)
                c.drawString(COLS[3] * mm, y, spec)
                c.drawString(COLS[4] * mm, y, unit)
                c.drawRightString(COLS[5] * mm, y, qty)
                c.drawRightString(COLS[6] * mm, y, price)
                c.drawRightString(COLS[7] * mm, y, amount)
            subtotal += Decimal(amount)
            y -= ROW
        y = room(y, ROW)
        if c:
            c.setFont(FONT, 8)
            c.drawRightString(COLS[6] * mm, y, "%s小计" % label)
            c.drawRightString(COLS[7] * mm, y, str(subtotal))
            c.setLineWidth(0.3)
            c.line(COLS[2] * mm, y - 1.3 * mm, 198 * mm, y - 1.3 * mm)
        fees += subtotal
        y -= ROW + 0.8 * mm
    y = room(y, 7 * ROW)
    if c:
        c.setFont(FONT, 10)
        c.drawRightString(COLS[7] * mm, y, "费用合计 %s" % fees)
        footer(c, page, total)
        c.showPage()
    return page


def head(c, y):
    c.setFont(FONT, 8)
    for x, text in zip(COLS, ["日期", "编码", "项目名称", "规格", "单位", "数量", "单价", "金额"]):
        c.drawString(x * mm, y, text)
    c.setLineWidth(0.5)
    c.line(12 * mm, y - 1.3 * mm, 198 * mm, y - 1.3 * mm)


def footer(c, page, total):
    c.setFont(FONT, 8)
    c.drawCentredString(105 * mm, 7 * mm, "演示市第一人民医院  住院费用清单  张三 病案号 2026000001  第 %d 页 / 共 %d 页" % (page, total))


if __name__ == "__main__":
    main()
