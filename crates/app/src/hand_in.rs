//! Finance's collection of closes (缴款确认): the closes waiting, the count (cash by total or by
//! denomination, cheques one by one), the difference recorded as 长款 / 短款 with a reason, and
//! its reversal by a supervisor. Finance never collects their own close; a close is collected
//! once while the hand-in stands.

use contract::Yuan;
use contract::close::{ChequeLine, HandInFigures, HandInRequest, HandInView, ReverseHandInRequest, WaitingClose};
use domain::hand_in;
use domain::{Money, Permission};
use store::closes;
use store::hand_ins::{self, HandIn};
use wire::close::{Cheque, CloseWaiting, HandInStatement, Pieces, ReverseHandIn};

use crate::close::store_time;
use crate::{App, AppError, Operator, input};

impl App {
    /// The closes waiting for collection, oldest first (finance).
    pub async fn waiting_closes(&self, operator: &Operator) -> Result<Vec<WaitingClose>, AppError> {
        operator.require(Permission::CollectHandIn)?;
        // One shape for both homes of the closes: the platform's (linked) or this store's.
        let waiting: Vec<CloseWaiting> = match &self.close_desk {
            Some(desk) => {
                self.require_online("缴款确认")?;
                desk.waiting().await?
            }
            None => {
                let mut conn = self.store.conn().await?;
                closes::waiting(&mut conn)
                    .await?
                    .into_iter()
                    .map(|c| CloseWaiting {
                        close_no: c.close_no,
                        cashier: c.cashier,
                        cashier_name: c.cashier_name,
                        from: c.from,
                        until: c.until,
                        cash: Yuan(money(c.cash_fen)),
                        cheques: Yuan(money(c.cheque_fen)),
                    })
                    .collect()
            }
        };
        Ok(waiting
            .into_iter()
            .map(|c| WaitingClose {
                close_no: c.close_no,
                cashier: c.cashier_name,
                cashier_username: c.cashier,
                from: store_time(c.from),
                until: store_time(c.until),
                cash_to_hand_in: c.cash,
                cheques: c.cheques,
            })
            .collect())
    }

    /// 缴款确认. A repeated request (same key) answers the hand-in it made.
    pub async fn hand_in(&self, operator: &Operator, request: &HandInRequest) -> Result<HandInView, AppError> {
        operator.require(Permission::CollectHandIn)?;
        let key = input::key(&request.key)?;
        if self.close_desk.is_none() {
            let mut conn = self.store.conn().await?;
            if let Some((_, done)) = hand_ins::by_key(&mut conn, key).await? {
                return view(&done);
            }
        }
        let counted = counted_cash(request)?;
        let mut cheques = Vec::with_capacity(request.cheques.len());
        for cheque in &request.cheques {
            let amount = domain::PaymentAmount::parse(&cheque.amount)
                .map_err(|e| AppError::invalid(e.code(), format!("支票 {}：{e}", cheque.number.trim()), "cheques"))?;
            if cheque.number.trim().is_empty() {
                return Err(AppError::invalid("CHEQUE_NUMBER_REQUIRED", "请填写支票号", "cheques"));
            }
            cheques.push(ChequeLine {
                number: cheque.number.trim().to_owned(),
                amount: Yuan(amount.money()),
                document: String::new(),
            });
        }
        let mut numbers: Vec<&str> = request.close_nos.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect();
        numbers.dedup();
        if numbers.is_empty() {
            return Err(AppError::invalid("HAND_IN_NO_CLOSE", "请选择要缴款的日结", "close_nos"));
        }
        let reason = request.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        if let Some(desk) = &self.close_desk {
            self.require_online("缴款确认")?;
            let statement = HandInStatement {
                key,
                close_nos: numbers.iter().map(|n| (*n).to_owned()).collect(),
                counted_cash: Yuan(counted.cash),
                pieces: counted.pieces.iter().map(|&(face_fen, count)| Pieces { face_fen, count }).collect(),
                cheques: cheques.iter().map(|c| Cheque { number: c.number.clone(), amount: c.amount }).collect(),
                reason: reason.map(|r| input::reason(r, "")).transpose()?,
            };
            let record = desk.hand_in(&statement).await?;
            tracing::info!(hand_in = %record.hand_in_no, closes = ?record.closes, "handed in at the platform");
            return Ok(record.figures().into());
        }
        let mut tx = self.store.begin().await?;
        let mut rows = Vec::with_capacity(numbers.len());
        for number in &numbers {
            let close = closes::by_no(&mut tx, number)
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有日结单号为 {number} 的日结")))?;
            if close.cancelled.is_some() {
                return Err(AppError::Rule { code: "CLOSE_CANCELLED", message: format!("日结 {number} 已取消") });
            }
            if let Some(hand_in) = &close.collected_by {
                return Err(AppError::Rule {
                    code: "CLOSE_COLLECTED",
                    message: format!("日结 {number} 已缴款确认（{hand_in}），不能重复缴款"),
                });
            }
            if close.cashier == operator.username {
                return Err(AppError::Rule {
                    code: "HAND_IN_OWN_CLOSE",
                    message: format!("日结 {number} 是您本人的，须由其他财务人员缴款确认"),
                });
            }
            rows.push(close);
        }
        if rows.iter().any(|c| c.cashier != rows[0].cashier) {
            return Err(AppError::invalid("HAND_IN_MIXED_CASHIERS", "一次缴款只能包含同一收费员的日结", "close_nos"));
        }
        let expected_cash: i64 = rows.iter().map(|c| c.cash_fen).sum();
        let expected_cheque: i64 = rows.iter().map(|c| c.cheque_fen).sum();
        let counted_cheque: Money = cheques.iter().map(|c| c.amount.money()).sum();
        let counted_total = counted.cash + counted_cheque;
        let expected_total = money(expected_cash + expected_cheque);
        let reason = match hand_in::settle_count(counted_total, expected_total, reason) {
            Ok(_) => reason.map(|r| input::reason(r, "")).transpose()?,
            Err(missing) => return Err(AppError::invalid("HAND_IN_REASON_REQUIRED", missing.to_string(), "reason")),
        };
        let now = self.clock.now();
        let seq = hand_ins::count(&mut tx).await? + 1;
        let record = HandIn {
            key,
            hand_in_no: format!("JK{}{seq:05}", now.format("%Y%m%d")),
            cashier: rows[0].cashier.clone(),
            by_user: operator.username.clone(),
            at: now,
            expected_cash_fen: expected_cash,
            counted_cash_fen: counted.cash.fen(),
            denominations: counted.stored,
            expected_cheque_fen: expected_cheque,
            cheques: serde_json::to_string(&cheques).map_err(AppError::internal)?,
            counted_cheque_fen: counted_cheque.fen(),
            difference_fen: (counted_total - expected_total).fen(),
            reason,
            closes: rows.iter().map(|c| c.close_no.clone()).collect(),
            reversed: None,
        };
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        hand_ins::append(&mut tx, &record, &ids).await?;
        tx.commit().await.map_err(store::StoreError::from)?;
        tracing::info!(hand_in = %record.hand_in_no, closes = ?record.closes, "handed in");
        view(&record)
    }

    /// 冲销缴款 (a supervisor, with a reason): its closes wait for collection again.
    pub async fn reverse_hand_in(
        &self,
        operator: &Operator,
        request: &ReverseHandInRequest,
    ) -> Result<HandInView, AppError> {
        operator.require(Permission::ApproveRecall)?;
        let key = input::key(&request.key)?;
        let reason = input::reason(&request.reason, "请填写冲销原因")?;
        if let Some(desk) = &self.close_desk {
            self.require_online("冲销缴款")?;
            let request = ReverseHandIn { key, hand_in_no: request.hand_in_no.trim().to_owned(), reason };
            return Ok(desk.reverse_hand_in(&request).await?.figures().into());
        }
        let mut tx = self.store.begin().await?;
        if hand_ins::reversal_by_key(&mut tx, key).await?.is_none() {
            let (id, found) = hand_ins::by_no(&mut tx, request.hand_in_no.trim())
                .await?
                .ok_or_else(|| AppError::NotFound(format!("没有缴款单号为 {} 的缴款", request.hand_in_no.trim())))?;
            if found.reversed.is_some() {
                return Err(AppError::Rule {
                    code: "HAND_IN_REVERSED",
                    message: format!("缴款 {} 已冲销", found.hand_in_no),
                });
            }
            hand_ins::reverse(&mut tx, key, id, &operator.username, self.clock.now(), &reason).await?;
            tx.commit().await.map_err(store::StoreError::from)?;
        } else {
            drop(tx);
        }
        let mut conn = self.store.conn().await?;
        let (_, done) = hand_ins::by_no(&mut conn, request.hand_in_no.trim())
            .await?
            .ok_or_else(|| AppError::internal("缴款消失"))?;
        view(&done)
    }

    /// A hand-in by its number (finance).
    pub async fn hand_in_by_no(&self, operator: &Operator, hand_in_no: &str) -> Result<HandInView, AppError> {
        operator.require(Permission::CollectHandIn)?;
        if let Some(desk) = &self.close_desk {
            self.require_online("查看缴款")?;
            return Ok(desk.hand_in_by_no(hand_in_no.trim()).await?.figures().into());
        }
        let mut conn = self.store.conn().await?;
        let (_, found) = hand_ins::by_no(&mut conn, hand_in_no.trim())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("没有缴款单号为 {} 的缴款", hand_in_no.trim())))?;
        view(&found)
    }
}

fn money(fen: i64) -> Money {
    Money::from_fen(fen).unwrap_or(Money::ZERO)
}

/// The cash counted, as a total or by denomination.
struct Counted {
    cash: Money,
    /// The denominations as stored (JSON: face value in fen → pieces).
    stored: Option<String>,
    /// Face value in fen and pieces; empty when counted as a total.
    pieces: Vec<(i64, u32)>,
}

/// The cash counted, from the request: a total, pieces by denomination, or both agreeing.
fn counted_cash(request: &HandInRequest) -> Result<Counted, AppError> {
    let total = match request.counted_cash.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => {
            let amount = Money::parse(text)
                .map_err(|e| AppError::invalid(e.code(), format!("实收现金：{e}"), "counted_cash"))?;
            if amount.is_negative() {
                return Err(AppError::invalid(
                    "AMOUNT_NEGATIVE",
                    format!("实收现金不能为负数：{text}"),
                    "counted_cash",
                ));
            }
            Some(amount)
        }
    };
    if request.denominations.is_empty() {
        return total.map(|cash| Counted { cash, stored: None, pieces: Vec::new() }).ok_or_else(|| {
            AppError::invalid("HAND_IN_CASH_REQUIRED", "请填写实收现金（合计或按面额清点）", "counted_cash")
        });
    }
    let mut pieces: Vec<(i64, u32)> = Vec::new();
    for (face, n) in &request.denominations {
        let fen = hand_in::parse_denomination(face).ok_or_else(|| {
            AppError::invalid(
                "DENOMINATION_UNKNOWN",
                format!("面额“{face}”无效（可用：100、50、20、10、5、1 元，5 角、1 角）"),
                "denominations",
            )
        })?;
        match pieces.iter_mut().find(|(f, _)| *f == fen) {
            Some((_, count)) => *count += n,
            None => pieces.push((fen, *n)),
        }
    }
    let by_note = hand_in::count_cash(&pieces);
    if let Some(total) = total
        && total != by_note
    {
        return Err(AppError::invalid(
            "HAND_IN_COUNT_MISMATCH",
            format!("按面额清点合计 {} 与填写的实收现金 {} 不符", by_note.yuan(), total.yuan()),
            "counted_cash",
        ));
    }
    let stored: std::collections::BTreeMap<String, u32> =
        pieces.iter().filter(|(_, n)| *n > 0).map(|(f, n)| (f.to_string(), *n)).collect();
    Ok(Counted { cash: by_note, stored: Some(serde_json::to_string(&stored).map_err(AppError::internal)?), pieces })
}

fn view(record: &HandIn) -> Result<HandInView, AppError> {
    let cheques: Vec<ChequeLine> = serde_json::from_str(&record.cheques).map_err(AppError::internal)?;
    let pieces: std::collections::BTreeMap<String, u32> = match &record.denominations {
        Some(json) => serde_json::from_str(json).map_err(AppError::internal)?,
        None => Default::default(),
    };
    Ok(HandInFigures {
        hand_in_no: record.hand_in_no.clone(),
        cashier: record.cashier.clone(),
        collected_by: record.by_user.clone(),
        at: store_time(record.at),
        closes: record.closes.clone(),
        expected_cash: money(record.expected_cash_fen),
        counted_cash: money(record.counted_cash_fen),
        pieces: pieces.iter().filter_map(|(f, n)| f.parse::<i64>().ok().map(|f| (f, *n))).collect(),
        expected_cheques: money(record.expected_cheque_fen),
        counted_cheques: money(record.counted_cheque_fen),
        cheques,
        reason: record.reason.clone(),
        reversed: record
            .reversed
            .as_ref()
            .map(|(by, at, reason)| format!("{by} 于 {} 冲销：{reason}", store_time(*at))),
    }
    .into())
}
