//! The reconciliation reports as PDF on landscape A4: the result report (the per-channel table
//! with its total, the mismatch figures, the mismatched pairs) and the single-sided detail
//! report (平台多出, then 渠道多出 / HIS多出 on a page of its own, each entry with its cause and
//! a total line). Long tables continue on the next page under their header; pages are numbered.
#![allow(clippy::disallowed_types, clippy::float_arithmetic, clippy::cast_precision_loss)] // millimetre coordinates only

use domain::Money;

use super::model::{DiscrepancyLine, ReconciliationReport, ResultLine, SingleSidedLine, total_of};
use crate::pdf::sheet::MARGIN;
use crate::pdf::{Align, Sheet};
use crate::{RenderedPdf, ReportError};

const WIDTH: f32 = 297.0;
const HEIGHT: f32 = 210.0;
const RIGHT: f32 = WIDTH - MARGIN;
const BOTTOM: f32 = HEIGHT - MARGIN - 4.0;
const ROW: f32 = 4.8;
const BODY: f32 = 7.5;

/// The result report: figures per channel and in total, mismatches.
pub fn result_pdf(report: &ReconciliationReport) -> Result<RenderedPdf, ReportError> {
    render(report, true, false)
}

/// The single-sided detail report: 平台多出 and 渠道多出 (HIS多出).
pub fn single_sided_pdf(report: &ReconciliationReport) -> Result<RenderedPdf, ReportError> {
    render(report, false, true)
}

/// Both reports in one document: the result first, then each detail tab on a page of its own.
pub fn reconciliation_pdf(report: &ReconciliationReport) -> Result<RenderedPdf, ReportError> {
    render(report, true, true)
}

/// A table column: header, x (left edge, or right edge for `Align::Right`), width for fitting.
#[derive(Clone)]
struct Col {
    label: String,
    x: f32,
    width: f32,
    align: Align,
}

fn col(label: &str, x: f32, width: f32, align: Align) -> Col {
    Col { label: label.to_owned(), x, width, align }
}

/// The page flow: where the next row goes, and the table header to repeat after a break.
struct Flow {
    sheet: Sheet,
    y: f32,
    section: String,
    cols: Vec<Col>,
}

impl Flow {
    fn ensure(&mut self, need: f32) {
        if self.y + need <= BOTTOM {
            return;
        }
        self.sheet.new_page();
        self.y = MARGIN + 4.0;
        let text = format!("{}（续）", self.section);
        self.sheet.text(MARGIN, self.y, 9.0, Align::Left, &text);
        self.y += 7.0;
        if !self.cols.is_empty() {
            self.header();
        }
    }

    fn header(&mut self) {
        self.sheet.rule(self.y - 3.6, MARGIN, RIGHT, 0.8);
        for c in &self.cols {
            self.sheet.text(c.x, self.y, 8.0, c.align, &c.label);
        }
        self.sheet.rule(self.y + 1.4, MARGIN, RIGHT, 0.5);
        self.y += ROW + 0.6;
    }

    /// Starts a table: its title line, then its header.
    fn table(&mut self, section: String, title: &str, cols: Vec<Col>) {
        self.cols = Vec::new();
        self.section = section;
        self.ensure(ROW * 4.0);
        self.sheet.text(MARGIN, self.y, 10.5, Align::Left, title);
        self.y += 7.0;
        self.cols = cols;
        self.header();
    }

    fn row(&mut self, cells: &[String], size: f32) {
        self.ensure(ROW);
        for (c, text) in self.cols.iter().zip(cells) {
            let text = self.sheet.fit(text, size, c.width);
            self.sheet.text(c.x, self.y, size, c.align, &text);
        }
        self.y += ROW;
    }

    fn total_row(&mut self, cells: &[String]) {
        self.ensure(ROW + 1.0);
        self.sheet.rule(self.y - 3.6, MARGIN, RIGHT, 0.3);
        self.row(cells, 8.0);
        self.y += 3.0;
    }

    fn line(&mut self, size: f32, text: &str) {
        self.ensure(ROW);
        self.sheet.text(MARGIN, self.y, size, Align::Left, text);
        self.y += ROW + 0.8;
    }
}

/// `1,280.00`, `-80.00`: grouped, without the ¥ sign (the header names the unit).
fn amount(money: Money) -> String {
    money.yuan().replace('¥', "")
}

fn render(report: &ReconciliationReport, result: bool, detail: bool) -> Result<RenderedPdf, ReportError> {
    let title = if result { "对账结果报表" } else { "单边账明细报表" };
    let sheet = Sheet::with_size(&format!("{title} {} {}", report.day, report.scope), WIDTH, HEIGHT)?;
    let mut flow = Flow { sheet, y: MARGIN + 6.0, section: title.to_owned(), cols: Vec::new() };
    flow.sheet.text(WIDTH / 2.0, flow.y, 15.0, Align::Center, title);
    flow.y += 8.0;
    let mut info = format!("对账日期：{}    对账范围：{}", report.day, report.scope);
    if !report.generated_at.is_empty() {
        info.push_str(&format!("    生成时间：{}", report.generated_at));
    }
    flow.sheet.text(WIDTH / 2.0, flow.y, 9.0, Align::Center, &info);
    flow.y += 9.0;
    if result {
        result_table(&mut flow, report);
        figures(&mut flow, report);
        if !report.discrepancies.is_empty() {
            discrepancy_table(&mut flow, report);
        }
    }
    if detail {
        for (i, (tab, lines)) in
            [(report.platform_tab(), &report.platform_extra), (report.counterpart_tab(), &report.counterpart_extra)]
                .into_iter()
                .enumerate()
        {
            if result || i > 0 {
                flow.sheet.new_page();
                flow.y = MARGIN + 6.0;
            }
            detail_table(&mut flow, report, &tab, lines);
        }
    }
    let footer = format!("{title}  {}  {}", report.day, report.scope);
    Ok(flow.sheet.finish(move |page, pages| format!("{footer}  第 {page} 页 / 共 {pages} 页")))
}

fn result_table(flow: &mut Flow, report: &ReconciliationReport) {
    let cp = &report.counterpart;
    let cols = vec![
        col("渠道", MARGIN, 26.0, Align::Left),
        col("已对平笔数", 56.0, 16.0, Align::Right),
        col("已对平金额", 84.0, 26.0, Align::Right),
        col("平台单边笔数", 104.0, 16.0, Align::Right),
        col("平台单边金额", 132.0, 26.0, Align::Right),
        col(&format!("{cp}单边笔数"), 152.0, 16.0, Align::Right),
        col(&format!("{cp}单边金额"), 180.0, 26.0, Align::Right),
        col("金额不符笔数", 200.0, 16.0, Align::Right),
        col("金额不符金额", 228.0, 26.0, Align::Right),
        col("状态不符笔数", 247.0, 17.0, Align::Right),
        col("手续费不符笔数", 268.0, 20.0, Align::Right),
        col("跨天待定笔数", RIGHT, 16.0, Align::Right),
    ];
    flow.table("对账结果".to_owned(), "一、对账结果（按渠道）  金额单位：元，退款为负", cols);
    for line in &report.channels {
        flow.row(&result_cells(line), BODY);
    }
    flow.total_row(&result_cells(&report.total));
}

fn result_cells(line: &ResultLine) -> Vec<String> {
    vec![
        line.label.clone(),
        line.matched.count.to_string(),
        amount(line.matched.amount),
        line.platform_only.count.to_string(),
        amount(line.platform_only.amount),
        line.counterpart_only.count.to_string(),
        amount(line.counterpart_only.amount),
        line.amount_mismatch.count.to_string(),
        amount(line.amount_mismatch.amount),
        line.status_mismatch.count.to_string(),
        line.fee_mismatch.count.to_string(),
        line.cross_day_deferred.count.to_string(),
    ]
}

fn figures(flow: &mut Flow, report: &ReconciliationReport) {
    let f = &report.figures;
    let t = &report.total;
    flow.cols = Vec::new();
    flow.y += 3.0;
    flow.line(10.5, "二、差异汇总");
    flow.line(
        9.0,
        &format!(
            "金额不符 {} 笔（长款 {} 笔，短款 {} 笔，差额 {}，{}减平台）；状态不符 {} 笔；手续费不符 {} 笔",
            t.amount_mismatch.count,
            f.long,
            f.short,
            amount(f.amount_difference),
            report.counterpart,
            t.status_mismatch.count,
            t.fee_mismatch.count
        ),
    );
    flow.line(
        9.0,
        &format!(
            "单边账：平台多出 {} 笔 {}，{}多出 {} 笔 {}；跨天待定 {} 笔 {}，跨天已解决 {} 笔",
            t.platform_only.count,
            amount(t.platform_only.amount),
            report.counterpart,
            t.counterpart_only.count,
            amount(t.counterpart_only.amount),
            t.cross_day_deferred.count,
            amount(t.cross_day_deferred.amount),
            f.cross_day_resolved
        ),
    );
    let mut last = format!("已关闭（未发生资金）{} 笔；非本渠道 {} 笔", f.void, f.out_of_scope);
    if let Some(fees) = f.channel_fees {
        last.push_str(&format!("；渠道手续费 {}", amount(fees)));
    }
    flow.line(9.0, &last);
    flow.y += 3.0;
}

fn discrepancy_table(flow: &mut Flow, report: &ReconciliationReport) {
    let cp = &report.counterpart;
    let cols = vec![
        col("序号", 20.0, 8.0, Align::Right),
        col("类别", 23.0, 14.0, Align::Left),
        col("渠道", 38.0, 8.0, Align::Left),
        col("类型", 47.0, 6.0, Align::Left),
        col("订单号 / 退款单号", 54.0, 40.0, Align::Left),
        col("第三方单号", 96.0, 44.0, Align::Left),
        col("平台状态", 142.0, 14.0, Align::Left),
        col(&format!("{cp}状态"), 158.0, 14.0, Align::Left),
        col("平台金额", 200.0, 26.0, Align::Right),
        col(&format!("{cp}金额"), 228.0, 26.0, Align::Right),
        col("差额", 254.0, 24.0, Align::Right),
        col("长短款", 257.0, 10.0, Align::Left),
        col("手续费", RIGHT, 16.0, Align::Right),
    ];
    let title = format!("三、金额、状态、手续费不符明细（{} 笔）", report.discrepancies.len());
    flow.table("不符明细".to_owned(), &title, cols);
    for (i, d) in report.discrepancies.iter().enumerate() {
        flow.row(&discrepancy_cells(i, d), BODY);
    }
    let difference: Money = report.discrepancies.iter().map(|d| d.difference).sum();
    let mut total = vec![String::new(); 13];
    total[1] = "合计".to_owned();
    total[4] = format!("{} 笔", report.discrepancies.len());
    total[10] = amount(difference);
    flow.total_row(&total);
}

fn discrepancy_cells(index: usize, d: &DiscrepancyLine) -> Vec<String> {
    let number = if d.refund_no.is_empty() { d.order_no.clone() } else { d.refund_no.clone() };
    vec![
        (index + 1).to_string(),
        d.class.clone(),
        d.channel.clone(),
        d.kind.clone(),
        number,
        d.third_party_no.clone(),
        d.platform_status.clone(),
        d.counterpart_status.clone(),
        amount(d.platform_amount),
        amount(d.counterpart_amount),
        amount(d.difference),
        d.direction.clone(),
        d.counterpart_fee.clone(),
    ]
}

fn detail_table(flow: &mut Flow, report: &ReconciliationReport, tab: &str, lines: &[SingleSidedLine]) {
    let total = total_of(lines);
    let cols = vec![
        col("序号", 20.0, 8.0, Align::Right),
        col("渠道", 23.0, 8.0, Align::Left),
        col("类型", 32.0, 6.0, Align::Left),
        col("平台订单号", 39.0, 40.0, Align::Left),
        col("第三方单号", 81.0, 44.0, Align::Left),
        col("退款单号", 127.0, 36.0, Align::Left),
        col("交易时间", 165.0, 27.0, Align::Left),
        col("状态", 193.0, 10.0, Align::Left),
        col("金额", 229.0, 25.0, Align::Right),
        col("原因", 232.0, 29.0, Align::Left),
        col("所属日期", 263.0, 22.0, Align::Left),
    ];
    let title = format!("单边账明细 · {tab}（{} 笔，合计 {} 元）", total.count, amount(total.amount));
    flow.table(format!("单边账明细 · {tab} · {}", report.day), &title, cols);
    if lines.is_empty() {
        flow.line(9.0, "（无）");
        return;
    }
    for (i, line) in lines.iter().enumerate() {
        let cells = vec![
            (i + 1).to_string(),
            line.channel.clone(),
            line.kind.clone(),
            line.order_no.clone(),
            line.third_party_no.clone(),
            line.refund_no.clone(),
            line.at.clone(),
            line.status.clone(),
            amount(line.amount),
            line.cause_text(),
            line.day.clone(),
        ];
        flow.row(&cells, BODY);
    }
    let mut cells = vec![String::new(); 11];
    cells[1] = "合计".to_owned();
    cells[3] = format!("{} 笔", total.count);
    cells[8] = amount(total.amount);
    flow.total_row(&cells);
}
