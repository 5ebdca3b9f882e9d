/**
 * Extruct's own refusals, on top of the framework's generic fault injection: billing. A request
 * that spends credits (a run, rows added or updated with `run`) is refused with 402 and
 * `detail.error` when the sandbox is told to (`sandbox.billing`) or the account has no credits.
 */
import { ExtructError } from './http';
import type { ExtructBillingError, ExtructUser } from './types';

/** docs silent: the messages. */
const BILLING_MESSAGES: Record<ExtructBillingError, string> = {
	plan_required: 'Your plan does not include this feature. Upgrade to continue.',
	payment_failed: 'Your last payment failed. Update your payment method to continue.',
	insufficient_credits: 'Not enough credits to run enrichment.',
};

export class Limits {
	/** The refusal every request that spends credits gets; may be set by tests. */
	billing?: ExtructBillingError;

	constructor(private readonly user: ExtructUser) {}

	/** Throws the billing refusal that applies now, if any. */
	assertCanSpend(): void {
		const reason = this.billing ?? (this.user.available_credits <= 0 ? 'insufficient_credits' : undefined);
		if (reason) throw new ExtructError(402, { error: reason, message: BILLING_MESSAGES[reason] });
	}
}
