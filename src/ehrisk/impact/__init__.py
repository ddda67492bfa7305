"""Health impact and valuation: attributable/avoided cases (CRFs from cited studies), Monte
Carlo uncertainty, VSL and cost-of-illness valuation, policy post-evaluation
(环境—经济—健康后评估) and its report."""
