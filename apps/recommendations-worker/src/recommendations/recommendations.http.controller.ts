import { Controller, Get, Param } from '@nestjs/common';
import { DECISION_ID_PATTERN } from './recommendations.constants';
import { recommendationsProblems } from './recommendations.problems';
import { RecommendationsService } from './recommendations.service';
import type { PersonalisedDecision } from './recommendations.types';

/** The body of `GET /v1/recommendations/:decisionId` (ARCHITECTURE.md §4). */
export type RecommendationsResponse = Pick<
  PersonalisedDecision,
  'decision_id' | 'workflow_id' | 'user_id' | 'recommendations' | 'applied_preferences'
>;

@Controller('v1/recommendations')
export class RecommendationsHttpController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Get(':decisionId')
  async getDecision(@Param('decisionId') decisionId: string): Promise<RecommendationsResponse> {
    if (!DECISION_ID_PATTERN.test(decisionId)) throw recommendationsProblems.invalidDecisionId();
    const decision = await this.recommendations.findDecision(decisionId);
    if (!decision) throw recommendationsProblems.decisionNotFound();
    return {
      decision_id: decision.decision_id,
      workflow_id: decision.workflow_id,
      user_id: decision.user_id,
      recommendations: decision.recommendations.map(({ id, title, category, confidence }) => ({ id, title, category, confidence })),
      applied_preferences: decision.applied_preferences,
    };
  }
}
